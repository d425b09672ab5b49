# keyboard_interrupt_in_main: exported by `asim export python tests/regressions/keyboard_interrupt_in_main.yaml`
import asyncio


async def other():
    await asyncio.sleep(0)
    print("other ran")


async def main():
    asyncio.create_task(other())
    raise KeyboardInterrupt


asyncio.run(main())
