"""queue numbers, appointments, window posts, attendance, patrols, 帮办代办 (DOMAIN §11)"""
