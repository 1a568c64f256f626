# A throwaway client script, all at module level: the kind of code the
# "connection reset by peer" questions start from.
import socket
import time

HOST, PORT = "example.com", 80

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(5)
s.connect((HOST, PORT))
s.sendall(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")  # NC101

try:
    data = s.recv(1024)
    print(f"Received: {data.decode('utf-8')}")
except socket.timeout:
    print("Error: The connection timed out.")
except Exception as e:
    print(f"An unexpected error occurred: {e}")

if data:
    data = s.recv(1024)  # NC101

time.sleep(0.5)  # NC102
s.close()
