const TONES = {
  info: "border-brand-100 bg-brand-50 text-brand-700",
  success: "border-emerald-200 bg-emerald-50 text-emerald-800",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  error: "border-red-200 bg-red-50 text-red-800",
} as const;

export function Alert({
  tone = "info",
  children,
  role,
}: {
  tone?: keyof typeof TONES;
  children: React.ReactNode;
  role?: "alert" | "status";
}) {
  return (
    <div
      role={role ?? (tone === "error" ? "alert" : "status")}
      className={`rounded-md border px-3.5 py-2.5 text-sm ${TONES[tone]}`}
    >
      {children}
    </div>
  );
}
