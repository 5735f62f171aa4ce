/** Vite's `?inline` import: the file's content as a string. */
declare module "*.css?inline" {
  const css: string;
  export default css;
}
