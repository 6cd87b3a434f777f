// Live password checklist (SPEC.md §2): ticks "10 à 64 caractères / 1 chiffre / 1 lettre
// minuscule / 1 lettre majuscule / chiffres et lettres uniquement" as the person types. The server
// checks the same rules; without this script the form works the same.
(function () {
  'use strict';
  var rules = {
    0: function (v) { return v.length >= 10 && v.length <= 64; },
    1: function (v) { return /[0-9]/.test(v); },
    2: function (v) { return /[a-z]/.test(v); },
    3: function (v) { return /[A-Z]/.test(v); },
    4: function (v) { return v.length > 0 && /^[A-Za-z0-9]+$/.test(v); },
  };
  document.querySelectorAll('input[data-checklist]').forEach(function (input) {
    var list = document.getElementById(input.getAttribute('data-checklist'));
    if (!list) return;
    var items = list.querySelectorAll('li[data-rule]');
    function update() {
      items.forEach(function (li) {
        var ok = rules[li.getAttribute('data-rule')](input.value);
        li.classList.toggle('rule-ok', ok);
        li.setAttribute('aria-label', li.textContent + (ok ? ' : respecté' : ' : non respecté'));
      });
    }
    input.addEventListener('input', update);
    update();
  });
  // Show/hide eye on every password field.
  document.querySelectorAll('.password-row input[type=password]').forEach(function (input) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'password-toggle';
    button.textContent = 'Afficher';
    button.setAttribute('aria-controls', input.id);
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', function () {
      var shown = input.type === 'text';
      input.type = shown ? 'password' : 'text';
      button.textContent = shown ? 'Afficher' : 'Masquer';
      button.setAttribute('aria-pressed', shown ? 'false' : 'true');
    });
    input.parentNode.appendChild(button);
  });
})();
