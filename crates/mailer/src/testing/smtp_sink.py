"""A real SMTP server for tests: stores every message it accepts as one JSON
line in a file. Usage: smtp_sink.py PORT OUTPUT_FILE [--reject]"""
import json
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path, reject):
        self.path = path
        self.reject = reject

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
        }
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted"


def main():
    port, path = int(sys.argv[1]), sys.argv[2]
    reject = "--reject" in sys.argv[3:]
    controller = Controller(Sink(path, reject), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
