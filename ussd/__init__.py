"""Africa's Talking USSD channel."""
