/* Autosave of an admin change form, and the warning before leaving it unsaved.
 *
 * Posts the form's fields to the server (newsroom/autosave.py) five seconds
 * after the last change and whenever a changed field loses focus; offers a
 * kept draft back when the page opens with one that differs from the form.
 * Once the form is being submitted it sends nothing more: an autosave posted
 * beside the real save (leaving a field by clicking "Save and continue")
 * could land after the save and bring back a stale draft.
 * Settings come from this script element's data- attributes and the
 * #newsroom-autosave-draft JSON element (templates/admin/change_form.html).
 */
(function () {
  "use strict";

  var DELAY_MS = 5000;
  // Django's JavaScript catalogue, which every change form loads.
  var gettext = window.gettext || function (text) { return text; };
  var MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;
  // The page's own bookkeeping, never typed: the lock's version and merge
  // token (newsroom/locking.py) and the CSRF token.
  var BOOKKEEPING = ["csrfmiddlewaretoken", "opened_version", "merge_token"];
  // An inline row's hidden id and parent key: restoring them onto rows that
  // moved since would point typed text at the wrong record.
  var ROW_KEY = /^.+-\d+-[^-]+$/;
  var config = document.getElementById("newsroom-autosave");
  var form = config && document.getElementById(config.dataset.formId);
  if (!form) {
    return;
  }
  var status = document.getElementById("newsroom-autosave-status");
  var notice = document.getElementById("newsroom-autosave-notice");
  var draftElement = document.getElementById("newsroom-autosave-draft");
  var draft = draftElement ? JSON.parse(draftElement.textContent) : null;
  var versionInput = form.querySelector("input[name=opened_version]");
  // The prose editors (django-prose-editor) keep their textarea in sync;
  // setting new content needs the editor itself, announced by this event.
  var proseEditors = new Map();
  document.addEventListener("prose-editor:ready", function (event) {
    proseEditors.set(event.detail.textarea, event.detail.editor);
  });

  function proseEditorOf(textarea) {
    if (proseEditors.has(textarea)) {
      return proseEditors.get(textarea);
    }
    // Started before this script ran: Tiptap hangs itself on its element.
    var wrapper = textarea.closest(".prose-editor");
    var surface = wrapper && wrapper.querySelector("[contenteditable]");
    return (surface && surface.editor) || null;
  }

  function kept(element) {
    var type = element.type;
    return (
      element.name &&
      BOOKKEEPING.indexOf(element.name) === -1 &&
      element.name.indexOf("__prefix__") === -1 &&
      type !== "file" &&
      type !== "password" &&
      type !== "submit" &&
      type !== "button" &&
      type !== "reset"
    );
  }

  function fieldEntry(element) {
    if (element.type === "checkbox" || element.type === "radio") {
      return [element.name, element.checked];
    }
    if (element.tagName === "SELECT") {
      var chosen = Array.prototype.filter.call(element.options, function (option) {
        return option.selected;
      });
      var values = chosen.map(function (option) { return option.value; });
      var labels = chosen.map(function (option) { return option.text; });
      return element.multiple
        ? [element.name, values, labels]
        : [element.name, values[0] || "", labels[0] || ""];
    }
    return [element.name, element.value];
  }

  function serialize() {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      if (kept(element)) {
        fields.push(fieldEntry(element));
      }
    });
    return JSON.stringify(fields);
  }

  var baseline = serialize();
  var unsavedFromStart = config.hasAttribute("data-unsaved");
  var lastSent = unsavedFromStart ? null : baseline;
  var userTouched = false;
  // Set once the form is being submitted, or the server has said the record
  // was saved over since this page opened (409): nothing more is sent.
  var submitting = false;
  var stopped = false;
  var timer = null;
  var inFlight = null;

  function isDirty() {
    return unsavedFromStart || serialize() !== baseline;
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function post(url, body, signal) {
    body.set("csrfmiddlewaretoken", config.dataset.csrfToken);
    var options = { method: "POST", body: body, credentials: "same-origin", signal: signal };
    return fetch(url, options).then(function (response) {
      return response
        .json()
        .catch(function () { return {}; })
        .then(function (data) {
          if (!response.ok) {
            var error = new Error(
              data.error || gettext("The server answered ") + response.status + "."
            );
            error.status = response.status;
            throw error;
          }
          return data;
        });
    });
  }

  function stopSending() {
    submitting = true;
    clearTimeout(timer);
    timer = null;
    if (inFlight) {
      // Not sent yet, or its answer no longer matters; the server refuses
      // one that arrives after the save anyway.
      inFlight.abort();
      inFlight = null;
    }
  }

  function save(useBeacon) {
    clearTimeout(timer);
    timer = null;
    var state = serialize();
    if (submitting || stopped || state === lastSent) {
      return;
    }
    lastSent = state;
    var body = new URLSearchParams();
    var url = config.dataset.storeUrl;
    if (state === baseline && !unsavedFromStart) {
      // Typed back to what the record holds: nothing left to keep.
      url = config.dataset.discardUrl;
    } else {
      body.set("fields", state);
      body.set("opened_version", versionInput ? versionInput.value : "");
    }
    if (notice && !notice.hidden) {
      // The kept draft this page offered is being replaced.
      notice.hidden = true;
    }
    if (useBeacon) {
      body.set("csrfmiddlewaretoken", config.dataset.csrfToken);
      navigator.sendBeacon(url, body);
      return;
    }
    var controller = window.AbortController ? new AbortController() : null;
    inFlight = controller;
    post(url, body, controller ? controller.signal : undefined).then(
      function (data) {
        inFlight = inFlight === controller ? null : inFlight;
        say(data.message || "");
      },
      function (error) {
        inFlight = inFlight === controller ? null : inFlight;
        if (submitting) {
          return; // aborted as the form was submitted
        }
        if (error.status === 409) {
          stopped = true; // saved over since this page opened: no use retrying
        } else {
          lastSent = null; // try again on the next change
        }
        say(gettext("What you typed could not be kept on the server: ") + error.message);
      }
    );
  }

  function schedule() {
    if (submitting || stopped) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", function (event) {
    userTouched = userTouched || event.isTrusted;
    schedule();
  });
  form.addEventListener("change", schedule);
  // Pressing a save button takes the focus from the field first: that
  // focusout must not post beside the save. The pending timer stays, so a
  // press that ends in no submit still saves the typing a moment later.
  var pressingSubmit = false;
  function isSubmitControl(element) {
    return Boolean(element && element.form === form && element.type === "submit");
  }
  form.addEventListener("pointerdown", function (event) {
    var control = event.target.closest ? event.target.closest("button, input") : null;
    pressingSubmit = isSubmitControl(control);
  });
  document.addEventListener("pointerup", function () {
    setTimeout(function () { pressingSubmit = false; }, 0);
  });
  form.addEventListener("focusout", function (event) {
    if (pressingSubmit || isSubmitControl(event.relatedTarget)) {
      return;
    }
    if (timer !== null) {
      save(false);
    }
  });
  form.addEventListener("submit", function (event) {
    stopSending();
    setTimeout(function () {
      if (event.defaultPrevented) {
        submitting = false; // another script kept the page: keep saving the typing
      }
    }, 0);
  });
  // An editor may settle its content once when it starts; that is not typing.
  document.addEventListener("prose-editor:ready", function () {
    setTimeout(function () {
      if (!userTouched && !unsavedFromStart) {
        baseline = lastSent = serialize();
      }
    }, 0);
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = ""; // older Chromium needs it set
    }
  });
  window.addEventListener("pagehide", function () {
    if (timer !== null && !submitting) {
      save(true);
    }
  });
  if (unsavedFromStart) {
    save(false);
  }

  // Restoring a kept draft ---------------------------------------------------

  function inlineRowsAdd(fields) {
    // Rows added before leaving are not on the page yet: add them as the
    // editor did, with the inline's own "Add another" link.
    fields.forEach(function (entry) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(entry[0]);
      var total = match && form.querySelector('input[name="' + CSS.escape(entry[0]) + '"]');
      if (!total) {
        return;
      }
      var link = document.querySelector("#" + CSS.escape(match[1]) + "-group .add-row a");
      var missing = parseInt(entry[1], 10) - parseInt(total.value, 10);
      for (var i = 0; i < missing && link; i++) {
        link.click();
      }
    });
  }

  function selectFill(element, value, label) {
    var values = Array.isArray(value) ? value : [value];
    var labels = Array.isArray(label) ? label : [label];
    values.forEach(function (wanted, index) {
      var present = Array.prototype.some.call(element.options, function (option) {
        return option.value === wanted;
      });
      // Choosers that load options on demand hold only the chosen ones.
      if (!present && wanted !== "") {
        element.add(new Option(labels[index] || wanted, wanted));
      }
    });
    Array.prototype.forEach.call(element.options, function (option) {
      option.selected = values.indexOf(option.value) !== -1;
    });
  }

  function elementFill(element, entry) {
    var value = entry[1];
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = value === true;
    } else if (element.tagName === "SELECT") {
      selectFill(element, value, entry[2]);
    } else if (typeof value === "string") {
      element.value = value;
      var editor = element.tagName === "TEXTAREA" ? proseEditorOf(element) : null;
      if (editor) {
        editor.commands.setContent(value);
        element.value = value;
      }
    }
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function restore() {
    inlineRowsAdd(draft.fields);
    var byName = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var rowKey = element.type === "hidden" && ROW_KEY.test(element.name);
      if (kept(element) && !MANAGEMENT.test(element.name) && !rowKey) {
        (byName[element.name] = byName[element.name] || []).push(element);
      }
    });
    var seen = {};
    draft.fields.forEach(function (entry) {
      var index = seen[entry[0]] || 0;
      seen[entry[0]] = index + 1;
      var element = (byName[entry[0]] || [])[index];
      if (element) {
        elementFill(element, entry);
      }
    });
    if (versionInput && draft.opened_version) {
      // Saved against the version it was typed over, so a save by someone
      // else since then is reported as a conflict, not overwritten.
      versionInput.value = draft.opened_version;
    }
    userTouched = true;
    notice.hidden = true;
    say(gettext("What you typed is back in the form; save to keep it."));
  }

  function discard() {
    notice.hidden = true;
    post(config.dataset.discardUrl, new URLSearchParams()).then(
      function () { say(gettext("The kept draft was discarded.")); },
      function (error) { say(gettext("The kept draft could not be discarded: ") + error.message); }
    );
  }

  if (draft && notice) {
    if (JSON.stringify(draft.fields) === baseline) {
      // Kept while the form was being saved: nothing differs, nothing to offer.
      post(config.dataset.discardUrl, new URLSearchParams()).catch(function () {});
    } else {
      notice.hidden = false;
      notice.querySelector("[data-autosave-restore]").addEventListener("click", restore);
      notice.querySelector("[data-autosave-discard]").addEventListener("click", discard);
    }
  }
})();
