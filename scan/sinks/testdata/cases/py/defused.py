from defusedxml import ElementTree
from flask import request
from lxml import etree


def parse():
    return etree.fromstring(request.data)
