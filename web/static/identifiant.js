// Login page enhancement: a show/hide toggle for the password. The page works without it.
(function () {
  "use strict";
  var input = document.getElementById("mot_de_passe");
  if (!input || !input.parentNode) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "password-toggle";
  button.setAttribute("aria-controls", "mot_de_passe");
  button.setAttribute("aria-pressed", "false");
  button.textContent = "Afficher";
  button.addEventListener("click", function () {
    var show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", show ? "true" : "false");
    button.textContent = show ? "Masquer" : "Afficher";
  });
  input.parentNode.appendChild(button);
  // The password is never sent as visible text: hide it again before the form leaves.
  if (input.form) input.form.addEventListener("submit", function () { input.type = "password"; });
})();
