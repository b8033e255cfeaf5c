// The body editor under the admin's strict CSP, loaded as a module by the
// configurable preset (newsroom/fields.py).
//
// Tiptap writes ProseMirror's base rules into a <style> element when an
// editor starts (its injectCSS option, on by default). The CSP allows
// stylesheets from 'self' only, so the browser refused the element and
// reported a violation on every page with an editor. django-prose-editor
// builds the tiptap Editor itself and hands it only extensions, so an
// extension turns the option off: tiptap emits beforeCreate before it mounts
// the view, which is when it injects. The rules are served from
// body-editor.css instead.

import { Extension } from "django-prose-editor/editor"

export const NoInjectedCSS = Extension.create({
  name: "noInjectedCSS",
  onBeforeCreate() {
    this.editor.setOptions({ injectCSS: false })
  },
})
