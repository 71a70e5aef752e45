from django.core.mail import send_mail


def send_order_emails(order):
    send_mail(f"Your order #{order.pk}", "Thank you.", None, [order.user.email])
