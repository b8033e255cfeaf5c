// The newsroom's own extensions for the body editor (django-prose-editor),
// loaded as a module by the configurable preset (newsroom/fields.py):
//
// - LibraryImage: images keep a data-library-image="<id>" attribute, and an
//   "Insert image from library" button opens a searchable chooser of the
//   media library (an admin view answering an HTML fragment) and inserts
//   the picture as a figure. Public pages render the figure from the
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

const SEARCH_DELAY_MS = 250

function chooserDialog(chooserUrl, onChoose) {
  const dialog = document.createElement("dialog")
  dialog.className = "library-chooser"
  dialog.setAttribute("aria-label", "Insert image from library")

  const header = document.createElement("div")
  header.className = "library-chooser__header"
  const title = document.createElement("h2")
  title.textContent = "Insert image from library"
  const close = document.createElement("button")
  close.type = "button"
  close.className = "library-chooser__close"
  close.textContent = "Close"
  close.addEventListener("click", () => dialog.close())
  header.append(title, close)

  const search = document.createElement("input")
  search.type = "search"
  search.className = "library-chooser__search vTextField"
  search.placeholder = "Search alt text, caption or credit"
  search.setAttribute("aria-label", "Search the library")

  const results = document.createElement("div")
  results.className = "library-chooser__results"
  results.setAttribute("aria-live", "polite")

  dialog.append(header, search, results)
  document.body.append(dialog)

  let pending = null
  let latest = 0
  async function load(query) {
    const ticket = ++latest
    const url = new URL(chooserUrl, window.location.href)
    if (query) url.searchParams.set("q", query)
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
      if (ticket !== latest) return
      if (!response.ok) {
        results.textContent = `The library could not be searched (${response.status}).`
        return
      }
      // Our own escaped template (admin/newsroom/library/chooser_results.html).
      results.innerHTML = await response.text()
    } catch {
      if (ticket === latest) results.textContent = "The library could not be reached."
    }
  }

  search.addEventListener("input", () => {
    clearTimeout(pending)
    pending = setTimeout(() => load(search.value.trim()), SEARCH_DELAY_MS)
  })
  search.addEventListener("keydown", (event) => {
    // Enter would submit the article form around the editor.
    if (event.key === "Enter") event.preventDefault()
  })
  results.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-library-choice]")
    if (!choice) return
    event.preventDefault()
    onChoose({
      id: choice.dataset.libraryChoice,
      src: choice.dataset.src,
      alt: choice.dataset.alt,
      caption: choice.dataset.caption || "",
    })
    dialog.close()
  })
  dialog.addEventListener("close", () => dialog.remove())

  dialog.showModal()
  search.focus()
  load("")
  return dialog
}

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
        chooserDialog(chooserUrl, (choice) => insertLibraryImage(editor, choice))
      },
      enabled: (editor) => editor.isEditable,
    })
  },
})
