-- The demo register: a few customers of HR Mentor Oy (fictional people).
-- contrib/demo: Aino asks for her data, Sofia corrects her phone number,
-- Mikko asks to be erased while his last invoice is still open, Eero bans
-- direct marketing, and someone forges Aino's address.
INSERT INTO organisations(id, name, business_id) VALUES
	(1, 'Savon Sähkö ja Putki Oy', '1029384-7'),
	(2, 'Kallaveden Kahvila Ky', '2938475-6');
INSERT INTO customers(id, first_name, last_name, organisation_id, email, phone,
	www, street, postal_code, city, country, ip_address, created_at,
	relationship_ended_at, contact_person) VALUES
	(1, 'Aino', 'Mäkelä', 1, 'aino.makela@example.fi', '+358 40 555 0101',
	 'https://sahkojaputki.example.fi', 'Kauppakatu 12 B 4', '70100', 'Kuopio',
	 'FI', '192.0.2.44', '2021-02-15', NULL, 0),
	(2, 'Eero', 'Järvinen', 2, 'eero@kallavesi.example.fi', '+358 50 555 0202',
	 NULL, 'Satamakatu 3', '70100', 'Kuopio', 'FI', '198.51.100.23',
	 '2022-09-01', NULL, 1),
	(3, 'Sofia', 'Lindström', NULL, 'sofia.lindstrom@example.se', '+46 70 555 0303',
	 NULL, 'Storgatan 5', '11122', 'Stockholm', 'SE', NULL, '2023-04-20', NULL, 0),
	(4, 'Mikko', 'Heikkinen', NULL, 'mikko.heikkinen@example.fi', '+358 44 555 0404',
	 'https://mikkoheikkinen.example.fi', 'Puijonkatu 20 A 7', '70110', 'Kuopio',
	 'FI', '203.0.113.77', '2024-01-08', NULL, 0);
INSERT INTO orders(id, customer_id, ordered_at, product, quantity, amount_cents, currency) VALUES
	(1, 1, '2024-03-01', 'Mentorointipaketti', 1, 120000, 'EUR'),
	(2, 1, '2025-10-10', 'Työhyvinvointikartoitus', 1, 45000, 'EUR'),
	(3, 2, '2025-05-05', 'Esimieskoulutus', 2, 160000, 'EUR'),
	(4, 3, '2025-08-18', 'Leadership coaching', 1, 90000, 'EUR'),
	(5, 4, '2024-01-10', 'Urasuunnittelu', 1, 35000, 'EUR'),
	(6, 4, '2026-09-14', 'Mentorointipaketti', 1, 120000, 'EUR');
INSERT INTO invoices(id, customer_id, order_id, issued_at, due_at, amount_cents, paid_at, in_collection) VALUES
	(1, 1, 1, '2024-03-02', '2024-03-16', 120000, '2024-03-10', 0),
	(2, 1, 2, '2025-10-11', '2025-10-25', 45000, NULL, 0),
	(3, 2, 3, '2025-05-06', '2025-05-20', 160000, '2025-05-18', 0),
	(4, 3, 4, '2025-08-19', '2025-09-02', 90000, '2025-08-30', 0),
	(5, 4, 5, '2024-01-11', '2024-01-25', 35000, '2024-01-20', 0),
	(6, 4, 6, '2026-09-15', '2026-09-29', 120000, NULL, 0);
