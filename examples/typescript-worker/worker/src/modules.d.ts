/** Imports that wrangler's module rules (and this provider's) upload as modules of their own. */
declare module "*.html" {
  const text: string;
  export default text;
}
