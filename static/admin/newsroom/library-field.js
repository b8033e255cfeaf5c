// A foreign key to the media library shown as a picture with "Choose from
// library" and "Remove" (newsroom/admin_library.py, LibraryImageChooser):
// the value is a hidden input holding the picture's id. Uses the chooser
// dialog of library-chooser.js. No inline script or style (strict CSP).
;(() => {
  function setPreview(field, choice) {
    const preview = field.querySelector("[data-library-field-preview]")
    const image = preview.querySelector("img")
    const text = preview.querySelector("[data-library-field-alt]")
    const clear = field.querySelector("[data-library-field-clear]")
    if (choice) {
      image.src = choice.src
      image.hidden = !choice.src
      text.textContent = choice.alt
    } else {
      image.removeAttribute("src")
      image.hidden = true
      text.textContent = field.dataset.emptyText
    }
    clear.hidden = !choice
  }

  function bind(field) {
    const input = field.querySelector("input[type=hidden]")
    const chooserUrl = field.dataset.chooserUrl
    field.querySelector("[data-library-field-choose]").addEventListener("click", () => {
      window.NewsroomLibraryChooser.open(chooserUrl, {
        title: field.dataset.dialogTitle,
        onChoose(choice) {
          input.value = input.dataset.shown = choice.id
          setPreview(field, choice)
          // What autosave and the unsaved-changes warning listen for.
          input.dispatchEvent(new Event("change", { bubbles: true }))
        },
      })
    })
    field.querySelector("[data-library-field-clear]").addEventListener("click", () => {
      input.value = input.dataset.shown = ""
      setPreview(field, null)
      input.dispatchEvent(new Event("change", { bubbles: true }))
    })
    // A value set from elsewhere (autosave restoring what was typed).
    input.addEventListener("change", async () => {
      if (input.dataset.shown === input.value) return
      input.dataset.shown = input.value
      if (!input.value) return setPreview(field, null)
      try {
        setPreview(field, await window.NewsroomLibraryChooser.describe(chooserUrl, input.value))
      } catch {
        // The preview stays as it was; the value is saved all the same.
      }
    })
    input.dataset.shown = input.value
  }

  function start() {
    document.querySelectorAll("[data-library-field]").forEach(bind)
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
