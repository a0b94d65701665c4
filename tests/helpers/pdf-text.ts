import { readFile } from "node:fs/promises";
import path from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

/** The text of every page of a PDF file, as a reader selecting it would get it, pages joined by newlines. */
export async function pdfText(file: string): Promise<string> {
  const task = getDocument({
    data: new Uint8Array(await readFile(file)),
    standardFontDataUrl: `${path.resolve("node_modules/pdfjs-dist/standard_fonts")}/`,
  });
  const doc = await task.promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((x) => ("str" in x ? x.str : "")).join("\n"));
  }
  await task.destroy();
  return pages.join("\n");
}
