"use client";

import { Component, type ReactNode } from "react";

/** Last line of defence: a render error inside one widget shows here, not as a broken page. */
export class WidgetBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  render() {
    if (this.state.failed)
      return (
        <p role="alert" className="text-sm text-red-700">
          This panel could not be shown. Reload the page to try again.
        </p>
      );
    return this.props.children;
  }
}
