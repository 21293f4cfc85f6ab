"""gongzhi (共治): one GraphQL API for digital grassroots governance, street by street."""

__version__ = "0.1.0"
