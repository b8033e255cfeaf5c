/* The "also open" heartbeat of an admin change page (newsroom/presence.py).
 *
 * While the page is open it tells the server so every few seconds, and puts
 * the server's current "also open" notices in place of the ones the page was
 * rendered with; when the page is left it says so with a beacon, which ends
 * the notice for everyone else at once.
 */
(function () {
  "use strict";

  var TAG = "newsroom-presence";
  var config = document.getElementById("newsroom-presence");
  if (!config) {
    return;
  }

  function body() {
    var data = new URLSearchParams();
    data.set("csrfmiddlewaretoken", config.dataset.csrfToken);
    return data;
  }

  function noticesShow(notices) {
    document.querySelectorAll("ul.messagelist li." + TAG).forEach(function (item) {
      item.remove();
    });
    if (!notices.length) {
      return;
    }
    var list = Array.prototype.find.call(document.querySelectorAll("ul.messagelist"), function (ul) {
      return !ul.closest("#newsroom-autosave-notice");
    });
    if (!list) {
      var content = document.getElementById("content");
      if (!content) {
        return;
      }
      list = document.createElement("ul");
      list.className = "messagelist";
      content.parentNode.insertBefore(list, content);
    }
    notices.forEach(function (text) {
      var item = document.createElement("li");
      item.className = "warning " + TAG;
      item.textContent = text;
      list.appendChild(item);
    });
  }

  function beat() {
    fetch(config.dataset.heartbeatUrl, { method: "POST", body: body(), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && Array.isArray(data.notices)) {
          noticesShow(data.notices);
        }
      })
      .catch(function () {}); // offline for a moment: the next beat tries again
  }

  setInterval(beat, (parseInt(config.dataset.intervalSeconds, 10) || 30) * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      beat();
    }
  });
  window.addEventListener("pagehide", function () {
    navigator.sendBeacon(config.dataset.leftUrl, body());
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      beat(); // back from the browser's page cache: open again
    }
  });
})();
