"use client";

import { createContext, startTransition, useActionState, useContext, useEffect, useRef } from "react";
import { unstable_rethrow } from "next/navigation";
import type { ActionResult } from "@/lib/action-result";
import { Alert } from "../ui/alert";

type ServerAction<T> = (state: unknown, formData: FormData) => Promise<ActionResult<T>>;

const FormState = createContext<{ state: ActionResult<unknown> | null; pending: boolean }>({
  state: null,
  pending: false,
});

/**
 * A form bound to a server action: shows field errors next to their fields, a form-level error,
 * and an optional success message. A request that never reaches the action (too large, network
 * down) still gets a clear message, and nothing is saved.
 */
export function ActionForm<T>({
  action,
  children,
  className = "space-y-4",
  success,
  resetOnSuccess = false,
  onSuccess,
}: {
  action: ServerAction<T>;
  children: React.ReactNode;
  className?: string;
  success?: (data: T) => React.ReactNode;
  resetOnSuccess?: boolean;
  onSuccess?: (data: T) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, formAction, pending] = useActionState<ActionResult<T> | null, FormData>(async (prev, formData) => {
    try {
      return await action(prev, formData);
    } catch (error) {
      unstable_rethrow(error); // a redirect from the action is navigation, not a failure
      return {
        ok: false,
        error: {
          code: "INTERNAL",
          message: "The form could not be sent (it may be too large, or the connection dropped). Nothing was saved.",
        },
      };
    }
  }, null);

  useEffect(() => {
    if (state?.ok) {
      if (resetOnSuccess) formRef.current?.reset();
      onSuccess?.(state.data);
    }
  }, [state, resetOnSuccess, onSuccess]);

  const fieldErrors = state && !state.ok ? state.error.fieldErrors : undefined;
  const formError =
    state && !state.ok && (!fieldErrors || fieldErrors._form) ? (fieldErrors?._form ?? state.error.message) : null;

  return (
    <FormState.Provider value={{ state, pending }}>
      <form
        ref={formRef}
        // Submitting through a transition rather than the `action` attribute keeps what the user
        // typed when the server refuses it (React resets forms after an `action` submission).
        onSubmit={(event) => {
          event.preventDefault();
          const formData = new FormData(event.currentTarget);
          startTransition(() => formAction(formData));
        }}
        className={className}
        aria-busy={pending}
        noValidate
      >
        <fieldset disabled={pending} className="contents">
          {children}
        </fieldset>
        {state && !state.ok && fieldErrors && !fieldErrors._form && <Alert tone="error">{state.error.message}</Alert>}
        {formError && <Alert tone="error">{formError}</Alert>}
        {state?.ok && success && <Alert tone="success">{success(state.data)}</Alert>}
      </form>
    </FormState.Provider>
  );
}

/**
 * The error of a field, or of an item of it: a form shows a list as one field (repeated inputs or
 * one comma-separated box), while the server names the item ("targets.0").
 */
export function useFieldError(name: string): string | undefined {
  const { state } = useContext(FormState);
  const errors = state && !state.ok ? state.error.fieldErrors : undefined;
  if (!errors) return undefined;
  if (errors[name] !== undefined) return errors[name];
  const item = Object.keys(errors).find(
    (k) => k.startsWith(`${name}.`) && /^\d+$/.test(k.slice(name.length + 1).split(".")[0]!),
  );
  return item === undefined ? undefined : errors[item];
}

export function useFormPending(): boolean {
  return useContext(FormState).pending;
}
