import { requireGlobalPage } from "@/lib/auth/session";
import { SettingsTabs } from "./settings-tabs";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  await requireGlobalPage("user:manage");
  return (
    <div className="space-y-6">
      <SettingsTabs />
      {children}
    </div>
  );
}
