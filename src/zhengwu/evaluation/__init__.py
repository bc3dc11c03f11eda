"""民主评议 surveys, 整改台账, bulletins and awards (DOMAIN §13)"""
