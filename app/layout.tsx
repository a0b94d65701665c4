import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Backup Governance", template: "%s · Backup Governance" },
  description: "AWS Backup governance and compliance across every account of your AWS Organizations.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request: a nonce-based Content-Security-Policy (proxy.ts) needs each response's
  // scripts to carry that response's nonce, which a page prerendered at build time cannot.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
