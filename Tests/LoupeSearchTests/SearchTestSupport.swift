@_exported import LoupeTestSupport
