/* login.js: the sign-in page. The form works without it; this only says why we are back
 * here after a wrong token (/login?error=1), carries the page to return to (next=, a path
 * of this site; the server checks it again) and puts the cursor in the field. */
(function () {
	'use strict';
	var params = new URLSearchParams(window.location.search);
	var msg = document.getElementById('login-error');
	var next = params.get('next');
	if (msg && params.get('error') === '1')
		msg.hidden = false;
	if (next && next.charAt(0) === '/' && next.charAt(1) !== '/' && next.charAt(1) !== '\\')
		document.getElementById('next').value = next;
	var field = document.getElementById('token');
	if (field)
		field.focus();
})();
