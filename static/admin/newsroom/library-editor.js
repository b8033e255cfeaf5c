// The newsroom's own extensions for the body editor (django-prose-editor),
// loaded as a module by the configurable preset (newsroom/fields.py):
//
// - LibraryImage: images keep a data-library-image="<id>" attribute, and an
//   "Insert image from library" button opens the searchable chooser of the
//   media library (library-chooser.js, shared with the lead image field)
//   and inserts the picture as a figure. Public pages render the figure from the
//   library record (newsroom/library.py), so only the id matters here.
// - SpellCheck: the browser's spell-check on in the body.
//
// No inline script or style anywhere: the admin runs under a strict CSP.

import { Extension, Plugin } from "django-prose-editor/editor"

export const SpellCheck = Extension.create({
  name: "spellCheck",
  addProseMirrorPlugins() {
    return [
      new Plugin({
        view(view) {
          view.dom.setAttribute("spellcheck", "true")
          return {}
        },
      }),
    ]
  },
})

function insertLibraryImage(editor, { id, src, alt, caption }) {
  const content = [{ type: "image", attrs: { src, alt, libraryImage: id } }]
  if (caption) content.push({ type: "caption", content: [{ type: "text", text: caption }] })
  editor.chain().focus().insertContent({ type: "figure", content }).run()
}

export const LibraryImage = Extension.create({
  name: "libraryImage",

  addOptions() {
    return { chooserUrl: null }
  },

  addGlobalAttributes() {
    return [
      {
        types: ["image"],
        attributes: {
          libraryImage: {
            default: null,
            parseHTML: (element) => element.getAttribute("data-library-image"),
            renderHTML: (attributes) =>
              attributes.libraryImage
                ? { "data-library-image": attributes.libraryImage }
                : {},
          },
        },
      },
    ]
  },

  addMenuItems({ menu, buttons }) {
    const chooserUrl = this.options.chooserUrl
    if (!chooserUrl) return
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("photo_library", "Insert image from library"),
      command(editor) {
        // static/admin/newsroom/library-chooser.js, loaded with the editor.
        window.NewsroomLibraryChooser.open(chooserUrl, {
          title: "Insert image from library",
          onChoose: (choice) => insertLibraryImage(editor, choice),
        })
      },
      enabled: (editor) => editor.isEditable,
    })
  },
})
