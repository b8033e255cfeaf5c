// The media library's chooser dialog, shared by the body editor's "Insert
// image from library" button (library-editor.js) and the lead image field
// (library-field.js). A plain script rather than a module so both can use it
// whatever loads first: it only defines window.NewsroomLibraryChooser.
//
// The chooser view (newsroom/admin_library.py) answers an HTML fragment of
// our own escaped template, one button per picture carrying its id,
// thumbnail, alt text and caption in data attributes. No inline script or
// style: the admin runs under a strict CSP.
;(() => {
  const SEARCH_DELAY_MS = 250

  async function fetchChoices(chooserUrl, params) {
    const url = new URL(chooserUrl, window.location.href)
    for (const [key, value] of Object.entries(params)) {
      if (value) url.searchParams.set(key, value)
    }
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
    if (!response.ok) throw new Error(`The library could not be searched (${response.status}).`)
    return response.text()
  }

  function choiceOf(button) {
    return {
      id: button.dataset.libraryChoice,
      src: button.dataset.src,
      alt: button.dataset.alt,
      caption: button.dataset.caption || "",
    }
  }

  function open(chooserUrl, { title, onChoose }) {
    const dialog = document.createElement("dialog")
    dialog.className = "library-chooser"
    dialog.setAttribute("aria-label", title)

    const header = document.createElement("div")
    header.className = "library-chooser__header"
    const heading = document.createElement("h2")
    heading.textContent = title
    const close = document.createElement("button")
    close.type = "button"
    close.className = "library-chooser__close"
    close.textContent = "Close"
    close.addEventListener("click", () => dialog.close())
    header.append(heading, close)

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
      try {
        const html = await fetchChoices(chooserUrl, { q: query })
        // Our own escaped template (admin/newsroom/library/chooser_results.html).
        if (ticket === latest) results.innerHTML = html
      } catch (error) {
        if (ticket === latest) {
          results.textContent =
            error instanceof TypeError ? "The library could not be reached." : error.message
        }
      }
    }

    search.addEventListener("input", () => {
      clearTimeout(pending)
      pending = setTimeout(() => load(search.value.trim()), SEARCH_DELAY_MS)
    })
    search.addEventListener("keydown", (event) => {
      // Enter would submit the form around the chooser.
      if (event.key === "Enter") event.preventDefault()
    })
    results.addEventListener("click", (event) => {
      const choice = event.target.closest("[data-library-choice]")
      if (!choice) return
      event.preventDefault()
      onChoose(choiceOf(choice))
      dialog.close()
    })
    dialog.addEventListener("close", () => dialog.remove())

    dialog.showModal()
    search.focus()
    load("")
    return dialog
  }

  // One picture by id, as the chooser describes it (or null): for a field
  // whose value was set from elsewhere.
  async function describe(chooserUrl, id) {
    const holder = document.createElement("div")
    holder.innerHTML = await fetchChoices(chooserUrl, { id })
    const button = holder.querySelector("[data-library-choice]")
    return button ? choiceOf(button) : null
  }

  window.NewsroomLibraryChooser = { open, describe }
})()
