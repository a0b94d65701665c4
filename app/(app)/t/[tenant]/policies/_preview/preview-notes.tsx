import { Alert } from "@/app/_components/ui/alert";

/** What would make the push fail (or leave a policy AWS cannot apply), then what the preview could not know. */
export function PreviewNotes({
  problems,
  notes,
  clean,
}: {
  problems: readonly string[];
  notes: readonly string[];
  clean: string;
}) {
  return (
    <>
      {problems.length > 0 ? (
        <Alert tone="error">
          <p className="font-medium">
            {problems.length} problem{problems.length === 1 ? "" : "s"} to fix before pushing
          </p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
            {problems.slice(0, 20).map((m, i) => (
              <li key={i}>{m}</li>
            ))}
            {problems.length > 20 && <li>and {problems.length - 20} more (see the accounts below)</li>}
          </ul>
        </Alert>
      ) : (
        <Alert tone="success">{clean}</Alert>
      )}
      {notes.length > 0 && (
        <Alert tone="info">
          <ul className="list-disc space-y-0.5 pl-5 text-xs">
            {notes.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </Alert>
      )}
    </>
  );
}
