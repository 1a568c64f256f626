# Tutorial-style code: "from socket import *", a server and a client in one file.
from socket import *
from time import sleep

PORT = 12000


def server():
    listener = socket(AF_INET, SOCK_STREAM)
    listener.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    listener.bind(("", PORT))
    listener.listen(1)
    print("The server is ready to receive")
    while True:
        connection, addr = listener.accept()
        sentence = connection.recv(1024).decode()  # NC101
        connection.send(sentence.upper().encode())  # NC101
        sleep(1)  # NC102
        connection.close()


def client(host="localhost"):
    sock = create_connection((host, PORT))
    sock.send(input("Input lowercase sentence: ").encode())  # NC101
    try:
        reply = sock.recv(1024)
    except error:
        reply = b""
    print("From server:", reply.decode())
    sock.close()


def pair():
    left, right = socketpair()
    left.sendall(b"x")  # both ends are ours: no peer to reset
    return right


def shadowed():
    def socket():
        return []

    s = socket()
    s.send(1)


if __name__ == "__main__":
    server()
