// The reference's own behaviour: the search box that filters cards (press / to focus it,
// Escape to clear, #q=... to start filtered) and the copy buttons of example frames.
(function () {
  var input = document.getElementById('search');
  var count = document.getElementById('count');
  var cards = Array.prototype.slice.call(document.querySelectorAll('[data-search]'));
  var links = Array.prototype.slice.call(document.querySelectorAll('nav li[data-target]'));
  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card) {
      var text = card.getAttribute('data-search');
      var hit = terms.every(function (t) { return text.indexOf(t) >= 0; });
      card.classList.toggle('hidden', !hit);
      if (hit) shown++;
    });
    links.forEach(function (li) {
      var card = document.getElementById(li.getAttribute('data-target'));
      li.classList.toggle('hidden', !card || card.classList.contains('hidden'));
    });
    document.querySelectorAll('section[data-group]').forEach(function (s) {
      s.classList.toggle('hidden', !s.querySelector('[data-search]:not(.hidden)'));
    });
    document.querySelectorAll('nav [data-group-nav]').forEach(function (g) {
      g.classList.toggle('hidden', !g.querySelector('li[data-target]:not(.hidden)'));
    });
    count.textContent = terms.length ? shown + ' of ' + cards.length + ' match' : cards.length + ' items';
  }
  input.addEventListener('input', apply);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
    if (e.key === 'Escape' && document.activeElement === input) { input.value = ''; apply(); }
  });
  if (location.hash.indexOf('#q=') === 0) { input.value = decodeURIComponent(location.hash.slice(3)); }
  apply();
})();

// Copy buttons: the clipboard API needs a secure context, which a page opened from a file is
// not in every browser, so a hidden text area with execCommand is the fallback.
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand('copy');
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error('copy refused'));
  }
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button.copy');
    if (!button) return;
    var code = button.closest('.frame').querySelector('pre');
    copyText(code.textContent).then(function () {
      button.textContent = 'copied';
    }, function () {
      button.textContent = 'select and copy';
    });
    setTimeout(function () { button.textContent = 'copy'; }, 1500);
  });
})();
