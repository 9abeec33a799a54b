/* login.js: the sign-in page. The form works without it; this only says why we are back
 * here after a wrong token (/login?error=1) and puts the cursor in the field. */
(function () {
	'use strict';
	var params = new URLSearchParams(window.location.search);
	var msg = document.getElementById('login-error');
	if (msg && params.get('error') === '1')
		msg.hidden = false;
	var field = document.getElementById('token');
	if (field)
		field.focus();
})();
