// Kenes: the header menu is a <details> element. On wide screens it is kept open and its
// "Menu" summary is hidden by CSS, so the links show in one row; on narrow screens it folds.
// Without JavaScript the menu still works: it is simply folded on every screen.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 1200px)");
  function sync() {
    document.querySelectorAll("details[data-nav-menu]").forEach(function (menu) {
      menu.open = wide.matches;
    });
  }
  document.addEventListener("DOMContentLoaded", sync);
  wide.addEventListener("change", sync);
})();
