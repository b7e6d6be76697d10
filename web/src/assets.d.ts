/** Vite answers an import with `?url` with the URL the file is served at after the build. */
declare module '*?url' {
  const url: string;
  export default url;
}
