import asyncio


async def main():
    print(repr(int("11", 2)))
    print(repr(int("ff", 16)))
    print(repr(int("0x1f", 16)))
    print(repr(int("0x1f", 0)))
    print(repr(int(" 12 ", 8)))
    print(repr(int("1_0", 2)))
    print(repr(int("z", 36)))
    print(repr(int("-101", 2)))
    print(repr(int("0b_101", 0)))
    print(repr(int("0o17", 0)))
    print(repr(int("00", 0)))
    print(repr(int("0", 0)))
    print(repr(int("+7f", 16)))
    print(repr(int("FF", base=16)))
    print(repr(int("12", 10)))


asyncio.run(main())
