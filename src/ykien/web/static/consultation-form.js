// The policy boxes of the consultation form: anonymous opinions and identified participants
// exclude each other, so ticking one unticks the other (the server refuses both anyway).
(function () {
  var anonymous = document.getElementById("allow_anonymous");
  var identity = document.getElementById("identity_required");
  if (!anonymous || !identity) { return; }
  anonymous.addEventListener("change", function () { if (anonymous.checked) { identity.checked = false; } });
  identity.addEventListener("change", function () { if (identity.checked) { anonymous.checked = false; } });
})();
