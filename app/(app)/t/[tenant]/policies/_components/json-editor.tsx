"use client";

import { useEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { Annotation, EditorSelection, EditorState } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";

/** Marks changes that came from props (the form, a template), so they are not reported back as typing. */
const fromProps = Annotation.define<boolean>();

const theme = EditorView.theme({
  "&": { fontSize: "12.5px", backgroundColor: "white", maxHeight: "44rem" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", minHeight: "20rem" },
  ".cm-gutters": {
    backgroundColor: "rgb(248 250 252)",
    borderRight: "1px solid rgb(226 232 240)",
    color: "rgb(148 163 184)",
  },
  ".cm-activeLine": { backgroundColor: "rgb(248 250 252 / 0.7)" },
  ".cm-activeLineGutter": { backgroundColor: "rgb(241 245 249)" },
  ".cm-lintRange-error": {
    backgroundImage: "none",
    textDecoration: "underline wavy rgb(220 38 38)",
    textUnderlineOffset: "3px",
  },
  ".cm-tooltip-lint": { maxWidth: "28rem", fontSize: "12px" },
});

/**
 * CodeMirror 6 for policy JSON: highlighting, folding, undo, and the validator's problems marked in
 * the text and the gutter. Controlled: `value` is the document; `onChange` gets what the user types.
 */
export function JsonEditor({
  value,
  onChange,
  diagnostics,
  focus,
  label,
}: {
  value: string;
  onChange: (text: string) => void;
  diagnostics: readonly Diagnostic[];
  /** Selects this range and scrolls to it whenever `seq` changes (clicking a problem). */
  focus: { from: number; to: number; seq: number } | null;
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          foldGutter(),
          lintGutter(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          history(),
          indentOnInput(),
          bracketMatching(),
          json(),
          syntaxHighlighting(defaultHighlightStyle),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "policy-json" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(fromProps)))
              onChangeRef.current(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view is made once; later values arrive through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: fromProps.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const length = v.state.doc.length;
    const inRange = diagnostics.map((d) => ({
      ...d,
      from: Math.min(d.from, length),
      to: Math.min(Math.max(d.to, d.from), length),
    }));
    v.dispatch(setDiagnostics(v.state, inRange));
  }, [diagnostics, value]);

  useEffect(() => {
    const v = view.current;
    if (!v || !focus) return;
    const to = Math.min(focus.to, v.state.doc.length);
    v.dispatch({ selection: EditorSelection.single(Math.min(focus.from, to), to), scrollIntoView: true });
    v.focus();
  }, [focus]);

  return (
    <div
      ref={host}
      className="overflow-hidden rounded-md ring-1 ring-slate-300 ring-inset focus-within:ring-2 focus-within:ring-brand-500"
    />
  );
}
