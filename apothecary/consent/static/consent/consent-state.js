/* The cookie banner's state, set before the page paints (this script is loaded without
   defer in the head, so a visitor who has chosen never sees the banner flash):
   data-consent="given" on <html> when the consent cookie is for the current policy version
   (consent.css then hides the banner), data-gpc="on" when the browser sends Global Privacy
   Control (the banner's sentence about it shows). The page's HTML is the same for everyone. */
(function () {
  "use strict";
  var root = document.documentElement;
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var version = script.getAttribute("data-policy-version");
  var prefix = script.getAttribute("data-cookie-name") + "=";
  var cookies = document.cookie ? document.cookie.split("; ") : [];
  for (var i = 0; i < cookies.length; i++) {
    if (cookies[i].indexOf(prefix) === 0) {
      var value = cookies[i].slice(prefix.length).replace(/^"|"$/g, "");
      if (value.split("|")[0] === version) {
        root.setAttribute("data-consent", "given");
      }
    }
  }
  if (navigator.globalPrivacyControl === true) {
    root.setAttribute("data-gpc", "on");
  }
})();
