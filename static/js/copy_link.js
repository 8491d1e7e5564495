// Organisers' registrations page: a "Copy" button beside each private ticket link.
// Without JavaScript the link stays in a read-only field to select and copy by hand.
(function () {
  "use strict";
  document.querySelectorAll("input[data-copy-link]").forEach(function (field) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = field.dataset.copyLabel;
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard) {
        navigator.clipboard.writeText(field.value);
      } else {
        document.execCommand("copy");
      }
    });
    field.insertAdjacentElement("afterend", button);
  });
})();
