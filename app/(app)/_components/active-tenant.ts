// The organization last opened, kept in a cookie so that pages outside /t/<tenant> (Settings, All
// organizations) keep it in the sidebar and the switcher. It only preselects: every page still
// checks access to the tenant it shows, and the layout ignores a slug the user may not see.
export const ACTIVE_TENANT_COOKIE = "bg-tenant";
