// Loads the card's code editor once, on the first Edit: the bundle `cargo xtask finish-site`
// wrote into the site and named in <meta name="async-tutor-editor"> (editor/src/editor.js).
let loading = null;

export function loadEditor() {
  if (!loading) {
    const name = document.querySelector('meta[name="async-tutor-editor"]')?.content;
    loading = name
      ? import(new URL(name, document.baseURI).href)
      : Promise.reject(new Error("this build of the site has no code editor"));
    // A failed load (offline before the editor was ever fetched) is tried again next time.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
