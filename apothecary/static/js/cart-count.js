/* Fills the header's cart link with the number of items in the cart. Progressive
   enhancement: without this script the link still leads to the cart. The pages are cached
   for everyone, so the count comes from /cart/count/, which never is. */
(function () {
  "use strict";
  var link = document.querySelector("[data-cart-count-url]");
  var badge = link && link.querySelector("[data-cart-count]");
  if (!badge || !window.fetch) {
    return;
  }
  fetch(link.getAttribute("data-cart-count-url"), {
    credentials: "same-origin",
    headers: { Accept: "application/json" }
  })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (data) {
      var count = data && typeof data.count === "number" ? data.count : 0;
      if (count > 0) {
        badge.textContent = String(count);
        link.setAttribute("aria-label", "Cart, " + count + (count === 1 ? " item" : " items"));
      } else {
        badge.textContent = "";
        link.removeAttribute("aria-label");
      }
    })
    .catch(function () {
      /* Offline or blocked: the plain link is enough. */
    });
})();
