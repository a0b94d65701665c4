/** The app's Card with less padding on phones, where the editor and the form need every pixel. */
export function Panel({
  title,
  description,
  children,
}: {
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white shadow-xs" aria-label={title}>
      <header className="border-b border-slate-100 px-3 py-3 sm:px-5 sm:py-3.5">
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        {description && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
      </header>
      <div className="p-3 sm:p-5">{children}</div>
    </section>
  );
}
