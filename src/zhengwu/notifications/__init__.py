"""In-app notifications (the notification centre), with e-mail and SMS delivery."""
