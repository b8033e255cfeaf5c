// The slug of a new story, filled in as its headline is typed, exactly as the
// server would make it on saving (Article.objects.free_slug: Hangul
// romanised, "-2" when the plain one is taken). It replaces Django's browser
// slug maker, which drops Korean letters. Once the officer types in the slug
// field, it is theirs and is left alone. No inline script (strict CSP).
;(() => {
  const DELAY_MS = 250

  function bind(slug) {
    const source = document.querySelector(`[name="${slug.dataset.slugSource}"]`)
    if (!source) return
    let own = slug.value !== ""
    let pending = null
    let latest = 0
    slug.addEventListener("input", (event) => {
      if (event.isTrusted) own = slug.value !== ""
    })
    source.addEventListener("input", () => {
      if (own) return
      clearTimeout(pending)
      pending = setTimeout(async () => {
        const ticket = ++latest
        const url = new URL(slug.dataset.slugUrl, window.location.href)
        url.searchParams.set("headline", source.value)
        try {
          const response = await fetch(url, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
          if (!response.ok || ticket !== latest || own) return
          slug.value = (await response.json()).slug
          slug.dispatchEvent(new Event("change", { bubbles: true }))
        } catch {
          // Offline for a moment: the server makes the slug on saving anyway.
        }
      }, DELAY_MS)
    })
  }

  function start() {
    document.querySelectorAll("input[data-slug-url]").forEach(bind)
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
