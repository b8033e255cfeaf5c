// The media library's change page: click the picture to set its focal point.
// The marker is placed through the CSSOM (element.style), which the strict
// CSP allows; no inline style or script is written into the page.
"use strict"
;(() => {
  function place(marker, x, y) {
    marker.style.left = `${x}%`
    marker.style.top = `${y}%`
  }

  function setUp(picker) {
    const image = picker.querySelector(".library-focal__image")
    const marker = picker.querySelector(".library-focal__marker")
    const inputX = document.getElementById("id_focal_x")
    const inputY = document.getElementById("id_focal_y")
    if (!image || !marker || !inputX || !inputY) return
    const current = () => [
      Number.parseFloat(inputX.value) || 50,
      Number.parseFloat(inputY.value) || 50,
    ]
    place(marker, ...current())
    image.addEventListener("click", (event) => {
      const box = image.getBoundingClientRect()
      const clamp = (value) => Math.min(100, Math.max(0, value))
      const x = clamp(((event.clientX - box.left) / box.width) * 100).toFixed(2)
      const y = clamp(((event.clientY - box.top) / box.height) * 100).toFixed(2)
      inputX.value = x
      inputY.value = y
      place(marker, x, y)
    })
    for (const input of [inputX, inputY]) {
      input.addEventListener("input", () => place(marker, ...current()))
    }
  }

  function thumbnails() {
    // Crops in the list keep the chosen subject in view.
    for (const image of document.querySelectorAll("img[data-focal-x]")) {
      image.style.objectPosition = `${image.dataset.focalX}% ${image.dataset.focalY}%`
    }
  }

  function start() {
    for (const picker of document.querySelectorAll(".library-focal")) setUp(picker)
    thumbnails()
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
