import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Backup Governance", template: "%s · Backup Governance" },
  description: "AWS Backup governance and compliance across every account of your AWS Organizations.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
