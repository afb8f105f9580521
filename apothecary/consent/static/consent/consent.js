/* The cookie banner, with JavaScript: its buttons send the choice with fetch() and hide the
   banner without a reload, and the footer's "Cookie settings" link reopens it in place (with
   the stored choice ticked) instead of leading to /consent/. Escape closes a reopened banner.
   Without this script the banner's form posts to /consent/, which returns to the page. */
(function () {
  "use strict";
  var root = document.documentElement;
  var banner = document.querySelector("[data-consent-banner]");
  var form = banner && banner.querySelector("[data-consent-form]");
  if (!form || !window.fetch || !window.FormData) {
    return; /* no banner here (the /consent/ page has its own form): links just lead there */
  }
  var title = banner.querySelector(".consent-title");
  var script = document.querySelector("script[data-policy-version]");
  var opener = null;

  function storedCategories() {
    var prefix = (script ? script.getAttribute("data-cookie-name") : "cookie_consent") + "=";
    var cookies = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < cookies.length; i++) {
      if (cookies[i].indexOf(prefix) === 0) {
        var parts = cookies[i].slice(prefix.length).replace(/^"|"$/g, "").split("|");
        if (parts.length === 3) {
          return parts[2].split("+");
        }
      }
    }
    return null;
  }

  function open(link) {
    opener = link;
    var stored = storedCategories();
    if (stored) {
      var boxes = form.querySelectorAll("input[name=categories]:not([disabled])");
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = stored.indexOf(boxes[i].value) !== -1;
      }
    }
    root.setAttribute("data-consent", "open");
    if (title) {
      title.focus();
    }
  }

  function close() {
    root.setAttribute("data-consent", "given");
    var target = opener || document.getElementById("main");
    opener = null;
    if (target) {
      target.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-consent-open]") : null;
    if (link) {
      event.preventDefault();
      open(link);
    }
  });

  banner.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && opener) {
      close();
    }
  });

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || !submitter.name) {
      return; /* an old browser: the plain form post does the work */
    }
    event.preventDefault();
    var data = new FormData(form);
    data.append(submitter.name, submitter.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("consent: " + response.status);
        }
        close();
      })
      .catch(function () {
        /* Offline or refused: send the form itself, whose answer says what went wrong. */
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = submitter.name;
        field.value = submitter.value;
        form.appendChild(field);
        form.submit();
      });
  });
})();
