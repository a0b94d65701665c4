"use client";

import { signOutAction } from "@/app/(auth)/actions";
import { buttonClass } from "@/app/_components/ui/button";

export function SignOutButton() {
  return (
    <form action={async (form: FormData) => void (await signOutAction(form))}>
      <button type="submit" className={buttonClass("secondary", "sm")}>
        Sign out
      </button>
    </form>
  );
}
