import { Request, Response } from 'express';
import { sequelize } from '../models';

export function searchProducts() {
  return async (req: Request, res: Response) => {
    const [rows] = await sequelize.query('SELECT * FROM products WHERE name LIKE \'%' + req.query.q + '%\'');
    res.json(rows);
  };
}
