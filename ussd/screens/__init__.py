"""Every USSD screen, one module per journey; importing this package registers them all.

Screen texts are short on purpose: a screen holds 182 GSM-7 characters (we aim for 160) but only 80
when one character needs UCS-2, as Arabic always does. The engine paginates lists and, as a last
resort, shortens a text that does not fit; translations should not rely on that.
"""

from ussd.screens import applications, apply, callback, complaint, consent, home, payments, rating, track

__all__ = ["applications", "apply", "callback", "complaint", "consent", "home", "payments", "rating", "track"]
