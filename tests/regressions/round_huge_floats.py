# round_huge_floats: exported by `asim export python tests/regressions/round_huge_floats.yaml`
import asyncio


async def main():
    print(f"{round(((123.456) - (0.5)) * (1e300), -1)} {round(1.5e300, -300)} {round(2.5e300, -300)} {round(1e308, -308)} {round(-4.4e40, -40)} {round(5e38, -39)} {round(5e37, -38)} {round(1e39, -39)}")
    print(f"{round(1.7976931348623157e308, -307)}")


asyncio.run(main())
