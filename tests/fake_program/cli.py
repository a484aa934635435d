def register(subparsers) -> None:
    hello = subparsers.add_parser("fake-hello", help="say hello from the fake program")
    hello.set_defaults(func=lambda args: print("hello from the fake program"))
