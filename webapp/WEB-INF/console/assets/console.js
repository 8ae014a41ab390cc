// Conveniences only: every page and form works without this script.
document.addEventListener('click', function (event) {
  var button = event.target.closest('button.copy');
  if (!button || !navigator.clipboard) {
    return;
  }
  var source = document.getElementById(button.getAttribute('data-copy'));
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = 'Copy'; }, 1500);
  });
});

// A form with data-confirm asks before it is sent (deleting an image, a key).
document.addEventListener('submit', function (event) {
  var question = event.target.getAttribute('data-confirm');
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
