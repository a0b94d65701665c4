"use client";

import { useFormPending } from "./action-form";
import { buttonClass } from "../ui/button";

export function SubmitButton({
  children,
  variant = "primary",
  pendingLabel,
}: {
  children: React.ReactNode;
  variant?: "primary" | "secondary" | "danger";
  pendingLabel?: string;
}) {
  const pending = useFormPending();
  return (
    <button type="submit" className={buttonClass(variant)} disabled={pending}>
      {pending ? (pendingLabel ?? "Saving…") : children}
    </button>
  );
}
